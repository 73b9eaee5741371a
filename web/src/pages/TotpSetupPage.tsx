import { useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { api, ApiError } from '../api/client.ts';
import { useSession } from '../session/SessionContext.tsx';
import { useLanguage } from '../i18n/LanguageContext.tsx';

/** Administrators bind an authenticator before doing any work (when the policy requires it). */
export function TotpSetupPage() {
  const { t } = useLanguage();
  const { reload, signOut } = useSession();
  const [secret, setSecret] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<{ secret: string; otpauthUri: string }>('POST', '/auth/totp/setup', {})
      .then(setSecret)
      .catch((e: unknown) => {
        setError(e instanceof ApiError ? e.message : String(e));
      });
  }, []);

  const confirm = async ({ code }: { code: string }) => {
    try {
      await api('POST', '/auth/totp/enable', { code });
      await reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  return (
    <div className="signin-backdrop">
      <Card className="signin-card" title={t('totpSetupTitle')}>
        <Typography.Paragraph>{t('totpSetupIntro')}</Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        {secret && (
          <Typography.Paragraph>
            {t('totpSecret')}：
            <Typography.Text code copyable data-testid="totp-secret">
              {secret.secret}
            </Typography.Text>
          </Typography.Paragraph>
        )}
        <Form<{ code: string }> layout="vertical" onFinish={(v) => void confirm(v)}>
          <Form.Item
            name="code"
            label={t('totpCode')}
            rules={[{ required: true, pattern: /^\d{6}$/, message: t('totpHint') }]}
          >
            <Input inputMode="numeric" maxLength={6} autoComplete="one-time-code" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block>
            {t('confirm')}
          </Button>
          <Button type="link" block onClick={() => void signOut()}>
            {t('signOut')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}

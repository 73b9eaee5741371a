import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { ApiError } from '../api/client.ts';
import { useSession } from '../session/SessionContext.tsx';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { LanguageSwitch } from '../layout/LanguageSwitch.tsx';

interface Values {
  username: string;
  password: string;
  totpCode?: string;
}

/**
 * Sign-in. The server's message is shown as it comes (remaining attempts, the lockout and
 * until when); the one-time code field appears once the server asks for it.
 */
export function SignInPage({ notice }: { notice?: string | null }) {
  const { signIn, expired } = useSession();
  const { t } = useLanguage();
  const [error, setError] = useState<string | null>(null);
  const [needTotp, setNeedTotp] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      await signIn(values.username.trim(), values.password, values.totpCode);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'TOTP_REQUIRED') setNeedTotp(true);
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const info = notice ?? (expired ? t('sessionExpired') : null);
  return (
    <div className="signin-backdrop">
      <Card className="signin-card" title={t('signInTitle')} extra={<LanguageSwitch />}>
        {info && (
          <Alert type="info" showIcon title={info} style={{ marginBottom: 16 }} data-testid="signin-notice" />
        )}
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 16 }}
            data-testid="signin-error"
          />
        )}
        <Form<Values> layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
          <Form.Item
            name="username"
            label={t('username')}
            rules={[{ required: true, message: t('required') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('password')}
            rules={[{ required: true, message: t('required') }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          {needTotp && (
            <Form.Item
              name="totpCode"
              label={t('totpCode')}
              extra={t('totpHint')}
              rules={[{ required: true, pattern: /^\d{6}$/, message: t('totpHint') }]}
            >
              <Input inputMode="numeric" maxLength={6} autoComplete="one-time-code" />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" loading={busy} block>
            {busy ? t('signingIn') : t('signIn')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
          {t('signInFooter')}
        </Typography.Paragraph>
      </Card>
    </div>
  );
}

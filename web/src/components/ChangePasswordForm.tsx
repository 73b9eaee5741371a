import { useState } from 'react';
import { Alert, Button, Form, Input } from 'antd';
import { api, ApiError } from '../api/client.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';

interface Values {
  oldPassword: string;
  newPassword: string;
  confirm: string;
}

/** Change one's own password; the server ends the session afterwards, so `onDone` signs out. */
export function ChangePasswordForm({ onDone }: { onDone: () => void }) {
  const { t } = useLanguage();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/auth/password', {
        oldPassword: values.oldPassword,
        newPassword: values.newPassword,
      });
      onDone();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form<Values> layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />
      )}
      <Form.Item
        name="oldPassword"
        label={t('oldPassword')}
        rules={[{ required: true, message: t('required') }]}
      >
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('newPassword')}
        rules={[{ required: true, message: t('required') }]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('confirmPassword')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('required') },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              value === getFieldValue('newPassword')
                ? Promise.resolve()
                : Promise.reject(new Error(t('passwordsDiffer'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} block>
        {t('changePassword')}
      </Button>
    </Form>
  );
}

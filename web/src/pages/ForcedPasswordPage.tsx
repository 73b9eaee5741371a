import { Alert, Card } from 'antd';
import { useSession } from '../session/SessionContext.tsx';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import { ChangePasswordForm } from '../components/ChangePasswordForm.tsx';
import { tokenStore } from '../api/client.ts';

/** Shown before anything else while the password is initial or expired. */
export function ForcedPasswordPage({ onChanged }: { onChanged: () => void }) {
  const { t } = useLanguage();
  const { reload } = useSession();
  return (
    <div className="signin-backdrop">
      <Card className="signin-card" title={t('changePassword')}>
        <Alert type="warning" showIcon title={t('changePasswordForced')} style={{ marginBottom: 16 }} />
        <ChangePasswordForm
          onDone={() => {
            // The server ended every session of this account: sign in again with the new password.
            tokenStore.clear();
            onChanged();
            void reload();
          }}
        />
      </Card>
    </div>
  );
}

import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { LanguageProvider, useLanguage } from './i18n/LanguageContext.tsx';
import { SessionProvider, useSession } from './session/SessionContext.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { ForcedPasswordPage } from './pages/ForcedPasswordPage.tsx';
import { TotpSetupPage } from './pages/TotpSetupPage.tsx';
import { ConsoleLayout } from './layout/ConsoleLayout.tsx';
import './console.css';

const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
if (nonce) {
  // Some antd helpers (the scrollbar measure, for one) add <style> elements without asking
  // for the nonce. Script-created styles get it here; styles injected as markup still don't,
  // which is what the policy is for (scripts themselves only ever come from 'self').
  // The untyped (string tag name) overload is the one being wrapped, and it is called with
  // its own `this`: both lint rules below are about other situations.
  /* eslint-disable @typescript-eslint/no-deprecated, @typescript-eslint/unbound-method */
  const original = Document.prototype.createElement;
  Document.prototype.createElement = function (
    this: Document,
    tagName: string,
    options?: ElementCreationOptions,
  ) {
    const element = original.call(this, tagName, options);
    if (tagName.toLowerCase() === 'style') element.setAttribute('nonce', nonce);
    return element;
  };
  /* eslint-enable @typescript-eslint/no-deprecated, @typescript-eslint/unbound-method */
}

/** What the signed-in state allows: sign in, change the password, bind TOTP, or work. */
function Gate() {
  const { principal } = useSession();
  const { t } = useLanguage();
  const [notice, setNotice] = useState<string | null>(null);
  if (principal === undefined) return <Spin fullscreen />;
  if (principal === null) return <SignInPage notice={notice} />;
  const changed = () => {
    setNotice(t('passwordChanged'));
  };
  if (principal.mustChangePassword || principal.passwordExpired)
    return <ForcedPasswordPage onChanged={changed} />;
  if (principal.totpSetupRequired) return <TotpSetupPage />;
  return <ConsoleLayout onPasswordChanged={changed} />;
}

function Themed() {
  const { language } = useLanguage();
  // The server puts a fresh nonce into the page for every response; antd's runtime styles
  // carry it so the Content-Security-Policy needs no 'unsafe-inline'.
  return (
    <ConfigProvider
      locale={language === 'zh' ? zhCN : enUS}
      csp={nonce ? { nonce } : {}}
      theme={{ token: { colorPrimary: '#c0392b', borderRadius: 4 } }}
    >
      <AntApp>
        <SessionProvider>
          <Gate />
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <LanguageProvider>
        <Themed />
      </LanguageProvider>
    </StrictMode>,
  );
}

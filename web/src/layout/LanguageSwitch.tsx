import { Button } from 'antd';
import { GlobalOutlined } from '@ant-design/icons';
import { useLanguage } from '../i18n/LanguageContext.tsx';

/** 中文 ⇄ English; the choice is remembered on this machine. */
export function LanguageSwitch() {
  const { language, setLanguage, t } = useLanguage();
  return (
    <Button
      type="text"
      icon={<GlobalOutlined />}
      data-testid="language-switch"
      onClick={() => {
        setLanguage(language === 'zh' ? 'en' : 'zh');
      }}
    >
      {t('language')}
    </Button>
  );
}

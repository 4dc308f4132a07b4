import { useTranslation } from 'react-i18next';

export function App() {
  const { t } = useTranslation();
  return <main className="boot">{t('app.loading')}</main>;
}

import type { ReactNode } from 'react';
import { Alert, Card } from 'antd';

/** A page's frame: its title, its tools on the right, and the load error if there is one. */
export function PageCard({
  title,
  extra,
  error,
  children,
}: {
  title: ReactNode;
  extra?: ReactNode;
  error?: string | null;
  children: ReactNode;
}) {
  return (
    <Card title={title} extra={extra}>
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="page-error" />
      )}
      {children}
    </Card>
  );
}

import { useEffect, useState } from 'react';

/** The console's route is the URL's hash (`#/users`): the server serves one page for all. */
export function useHashRoute(): [string, (path: string) => void] {
  const read = () => window.location.hash.replace(/^#/, '') || '/';
  const [path, setPath] = useState(read);
  useEffect(() => {
    const onChange = () => {
      setPath(read());
    };
    window.addEventListener('hashchange', onChange);
    return () => {
      window.removeEventListener('hashchange', onChange);
    };
  }, []);
  return [
    path,
    (next: string) => {
      window.location.hash = next;
    },
  ];
}

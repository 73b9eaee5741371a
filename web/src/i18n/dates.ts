/** An instant as the console shows it: the browser's local date and time, 24-hour. */
export const when = (at: string): string => new Date(at).toLocaleString('zh-CN', { hour12: false });

/** Today in China (UTC+8) as 'YYYY-MM-DD': the date rules and parameters count in. */
export const todayInChina = (): string => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/** The quarter of a 'YYYY-MM-DD' date, as '2026Q4'. */
export const quarterOf = (date: string): string =>
  `${date.slice(0, 4)}Q${String(Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1)}`;

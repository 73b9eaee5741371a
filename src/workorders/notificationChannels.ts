import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { countOrganisationUsers, deliveriesRecorded, notificationsByIds } from './notificationRepository.ts';

/** A notification as a channel receives it. */
export interface OutgoingNotification {
  id: number;
  organisationId: string | null;
  userId: string | null;
  kind: string;
  title: string;
  body: string | null;
}

/**
 * A way out of the system for the inbox's messages: SMS, a government messaging app. A real
 * channel is configured per deployment; what ships is the logging channel, which sends nothing
 * and records that it sent nothing ('logged'), so no one mistakes a log line for a text message.
 */
export interface NotificationChannel {
  readonly name: string;
  deliver(notification: OutgoingNotification, recipients: number): Promise<'sent' | 'logged' | 'failed'>;
}

export class LoggingChannel implements NotificationChannel {
  readonly name = 'log';
  readonly #log: (entry: object, message: string) => void;

  constructor(log: (entry: object, message: string) => void) {
    this.#log = log;
  }

  deliver(n: OutgoingNotification, recipients: number): Promise<'logged'> {
    this.#log(
      { notification: n.id, kind: n.kind, organisation: n.organisationId, user: n.userId, recipients },
      `消息（仅记录，未发送）notification logged, not sent: ${n.title}`,
    );
    return Promise.resolve('logged');
  }
}

/**
 * Hands new inbox messages to every channel and records each channel's result. Runs after the
 * transaction that made them: a channel's failure is recorded, never undoes the work order.
 */
export async function deliverNotifications(
  db: Kysely<Database>,
  channels: readonly NotificationChannel[],
  ids: readonly number[],
): Promise<void> {
  if (ids.length === 0 || channels.length === 0) return;
  const rows = await notificationsByIds(db, ids);
  const deliveries: {
    notification_id: number;
    channel: string;
    status: string;
    recipients: number;
    at: string;
  }[] = [];
  // A routing pass sends thousands of messages to a few hundred organisations: count each once.
  const staff = new Map<string, number>();
  for (const row of rows) {
    const org = row.organisation_id;
    if (org && !staff.has(org)) staff.set(org, await countOrganisationUsers(db, org));
    const recipients = row.user_id ? 1 : org ? (staff.get(org) ?? 0) : 0;
    const n: OutgoingNotification = {
      id: row.id,
      organisationId: row.organisation_id,
      userId: row.user_id,
      kind: row.kind,
      title: row.title,
      body: row.body,
    };
    for (const channel of channels) {
      const status = await channel.deliver(n, recipients).catch(() => 'failed' as const);
      deliveries.push({
        notification_id: row.id,
        channel: channel.name,
        status,
        recipients,
        at: new Date().toISOString(),
      });
    }
  }
  await deliveriesRecorded(db, deliveries);
}

import type { Insertable, Kysely } from 'kysely';
import type { Database, NotificationDeliveryTable } from '../db/schema.ts';

/** The inbox of one user: messages to them or to their organisation, newest first. */
export async function listInbox(
  db: Kysely<Database>,
  userId: string,
  organisationId: string,
  options: { unreadOnly: boolean; limit: number; offset: number },
) {
  let q = db
    .selectFrom('notifications')
    .selectAll()
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('organisation_id', '=', organisationId)]));
  if (options.unreadOnly) q = q.where('read_at', 'is', null);
  const rows = await q.orderBy('id', 'desc').limit(options.limit).offset(options.offset).execute();
  const unread = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('organisation_id', '=', organisationId)]))
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { rows, unread: unread.n };
}

/** Marks one message read for everyone it was addressed to; false when it is not in the user's inbox. */
export async function markRead(
  db: Kysely<Database>,
  id: number,
  userId: string,
  organisationId: string,
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable('notifications')
    .set({ read_at: at, read_by: userId })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('organisation_id', '=', organisationId)]))
    .where('read_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) > 0) return true;
  // Already read is fine; not addressed to the user is not found.
  const row = await db
    .selectFrom('notifications')
    .select('id')
    .where('id', '=', id)
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('organisation_id', '=', organisationId)]))
    .executeTakeFirst();
  return row !== undefined;
}

/** Marks every unread message of the user's inbox read; returns how many. */
export async function markAllRead(
  db: Kysely<Database>,
  userId: string,
  organisationId: string,
  at: string,
): Promise<number> {
  const r = await db
    .updateTable('notifications')
    .set({ read_at: at, read_by: userId })
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('organisation_id', '=', organisationId)]))
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function notificationsByIds(db: Kysely<Database>, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('id', 'in', [...ids])
    .orderBy('id')
    .execute();
}

export async function countOrganisationUsers(db: Kysely<Database>, organisationId: string): Promise<number> {
  const r = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('disabled', '=', 0)
    .executeTakeFirstOrThrow();
  return r.n;
}

export async function deliveriesRecorded(
  db: Kysely<Database>,
  rows: Insertable<NotificationDeliveryTable>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('notification_deliveries')
      .values(rows.slice(i, i + 200))
      .execute();
}

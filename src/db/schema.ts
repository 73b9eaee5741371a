import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Row types of every table, as both databases return them: civil dates are 'YYYY-MM-DD'
 * strings, timestamps ISO strings, flags 0/1 integers (SQLite has no boolean type).
 */
export interface Database {
  areas: AreaTable;
  area_changes: AreaChangeTable;
  persons: PersonTable;
  hukou_households: HukouHouseholdTable;
  hukou_members: HukouMemberTable;
  assistance_households: AssistanceHouseholdTable;
  assistance_members: AssistanceMemberTable;
  facts: FactTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  audit_archive: AuditArchiveTable;
  organisations: OrganisationTable;
  roles: RoleTable;
  users: UserTable;
  user_roles: UserRoleTable;
  sessions: SessionTable;
  login_log: LoginLogTable;
  settings: SettingTable;
  imports: ImportTable;
  import_rejects: ImportRejectTable;
  ingest_keys: IngestKeyTable;
  /** Record keys of the latest batches, moved to `ingest_keys` in bulk (migration 0022). */
  ingest_keys_recent: IngestKeyTable;
  /** Folder imports running with their deferrable indexes dropped (migration 0023, ADR 0030). */
  bulk_loads: BulkLoadTable;
  link_reviews: LinkReviewTable;
  portraits: PortraitTable;
  portrait_tags: PortraitTagTable;
  portrait_refresh: PortraitRefreshTable;
  person_merges: PersonMergeTable;
  screening_runs: ScreeningRunTable;
  findings: FindingTable;
  finding_explanations: FindingExplanationTable;
  finding_events: FindingEventTable;
  household_screenings: HouseholdScreeningTable;
  assessment_models: AssessmentModelTable;
  household_assessments: HouseholdAssessmentTable;
  assessment_snapshots: AssessmentSnapshotTable;
  visit_plans: VisitPlanTable;
  visit_plan_items: VisitPlanItemTable;
  work_orders: WorkOrderTable;
  work_order_events: WorkOrderEventTable;
  work_order_parts: WorkOrderPartTable;
  work_order_comments: WorkOrderCommentTable;
  work_order_attachments: WorkOrderAttachmentTable;
  calendar_overrides: CalendarOverrideTable;
  notifications: NotificationTable;
  notification_deliveries: NotificationDeliveryTable;
}

export type AreaLevel = 'province' | 'city' | 'county' | 'township' | 'village';
export type AreaKind =
  | 'subdistrict'
  | 'town'
  | 'township'
  | 'township_other'
  | 'residents_committee'
  | 'village_committee'
  | 'village_other';

export interface AreaTable {
  code: string;
  name: string;
  level: AreaLevel;
  kind: AreaKind | null;
  parent_code: string | null;
  /** Ancestor codes from the root down to this area, concatenated; prefix = subtree. */
  path: string;
  established_on: string | null;
  retired_on: string | null;
  successor_code: string | null;
  updated_at: string;
}

export type AreaChangeKind = 'import' | 'add' | 'rename' | 'move' | 'merge' | 'retire';

export interface AreaChangeTable {
  id: Generated<number>;
  area_code: string;
  change: AreaChangeKind;
  effective_on: string;
  before_json: string | null;
  after_json: string | null;
  reason: string | null;
  recorded_at: string;
}

export interface PersonTable {
  id: string;
  /** SM4 ciphertext of the normalised 18-digit number. */
  id_number_enc: string;
  /** Keyed SM3 blind index: finds a person by number without decrypting every row. */
  id_number_hash: string;
  name: string;
  sex: 'male' | 'female';
  birth_date: string;
  death_date: string | null;
  hukou_area_code: string | null;
  residence_area_code: string | null;
  /** The residence when it lies outside every held area (another county); residence_area_code is then null. */
  residence_elsewhere?: string | null;
  phone_enc: string | null;
  created_at: string;
  updated_at: string;
  /** Set when this record was merged into another (the survivor); such a record is never listed. */
  merged_into?: string | null;
}

export interface HukouHouseholdTable {
  id: string;
  hukou_number: string;
  /** The hukou area; for non-local residents (hukou_area_elsewhere set), where they live. */
  area_code: string;
  /** Non-local residents' hukou area in another county (流动人口); null for a local booklet. */
  hukou_area_elsewhere?: string | null;
  address: string | null;
  created_at: string;
}

export interface HukouMemberTable {
  id: Generated<number>;
  household_id: string;
  person_id: string;
  /** GB/T 4761-2008 relationship to the head. */
  relationship: string;
  joined_on: string | null;
  left_on: string | null;
}

export interface AssistanceHouseholdTable {
  id: string;
  area_code: string;
  applicant_person_id: string;
  established_on: string;
  created_at: string;
  /** The civil-affairs case (救助证编号) a roster import built it from; null when formed by hand. */
  case_number?: string | null;
  /** dibao | tekun | nearDibao, from the roster. */
  assistance_type?: string | null;
  /** The date the case ended (its members' memberships end then too). */
  closed_on?: string | null;
}

export interface AssistanceMemberTable {
  id: Generated<number>;
  household_id: string;
  person_id: string;
  /** Relation to the applicant (spouse, child, parent, …). */
  relation: string;
  included: number;
  /** The membership rule that included or excluded this person. */
  basis: string;
  valid_from: string;
  valid_to: string | null;
}

export type SubjectType = 'person' | 'household';

export interface FactTable {
  id: Generated<number>;
  subject_type: SubjectType;
  subject_id: string;
  variable: string;
  value_json: string;
  source: string;
  observed_at: string;
  valid_from: string;
  /** Exclusive end; null means still valid. */
  valid_to: string | null;
  recorded_at: string;
  /** The import and line a fact came from (null for facts entered by hand or through the API). */
  import_id: string | null;
  source_line: number | null;
}

export type AreaRow = Selectable<AreaTable>;
export type NewArea = Insertable<AreaTable>;
export type AreaUpdate = Updateable<AreaTable>;
export type PersonRow = Selectable<PersonTable>;
export type FactRow = Selectable<FactTable>;

export type AuditOutcome = 'success' | 'denied' | 'error';

/** Append-only (database triggers) and chained with SM3: see src/access/audit. */
export interface AuditLogTable {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  area_code: string | null;
  ip: string | null;
  outcome: AuditOutcome;
  detail_json: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  last_id: number;
  last_hash: string;
}

/** One archive run (append-only): the live chain continues from `through_id`/`anchor_hash`. */
export interface AuditArchiveTable {
  id: number;
  archived_at: string;
  /** Records stamped before this civil date were archived. */
  before_date: string;
  first_id: number;
  through_id: number;
  /** Hash of record `through_id`, the last one archived. */
  anchor_hash: string;
  record_count: number;
  file_name: string;
  /** SM3 of the archive file as written. */
  file_sm3: string;
}

export type OrganisationKind = 'bureau' | 'township_office' | 'village_committee' | 'department' | 'partner';

export interface OrganisationTable {
  id: string;
  name: string;
  kind: OrganisationKind;
  /** The area the organisation serves: its staff's "my area". */
  area_code: string;
  department: string | null;
  created_at: string;
}

export type DataScope = 'all' | 'area_and_below' | 'area_only' | 'own';

export interface RoleTable {
  id: string;
  code: string;
  name_zh: string;
  name_en: string;
  permissions_json: string;
  data_scope: DataScope;
  builtin: number;
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  organisation_id: string;
  /** scrypt, self-describing: `scrypt$N$r$p$salt$hash`. */
  password_hash: string;
  password_changed_at: string;
  must_change_password: number;
  failed_attempts: number;
  locked_until: string | null;
  disabled: number;
  created_at: string;
  totp_secret_enc: string | null;
  totp_enabled: number;
}

export interface UserRoleTable {
  user_id: string;
  role_id: string;
}

export interface SessionTable {
  /** SM3 of the bearer token: a stolen table gives no usable tokens. */
  token_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  revoked_at: string | null;
}

export type LoginOutcome = 'success' | 'bad_password' | 'bad_totp' | 'unknown_user' | 'locked' | 'disabled';

export interface LoginLogTable {
  id: Generated<number>;
  at: string;
  username: string;
  user_id: string | null;
  ip: string | null;
  outcome: LoginOutcome;
}

/** A setting's value (JSON) where it differs from the catalogue default (src/settings). */
export interface SettingTable {
  key: string;
  value_json: string;
  updated_at: string;
  /** The user id of whoever changed it last. */
  updated_by: string | null;
}

export type ImportStatus = 'running' | 'completed' | 'failed';

export interface ImportTable {
  id: string;
  feed_id: string;
  file_name: string;
  file_sha256: string;
  file_bytes: number;
  status: ImportStatus;
  received: number;
  accepted: number;
  rejected: number;
  duplicate: number;
  held_for_review: number;
  persons_created: number;
  facts_recorded: number;
  checkpoint_line: number;
  /** host:pid of the process running it, to tell an interrupted import from a live one. */
  worker: string;
  error_code: string | null;
  error_message: string | null;
  started_by: string;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface ImportRejectTable {
  id: Generated<number>;
  import_id: string;
  line: number;
  record_enc: string;
  /** Encrypted too: a problem quotes the value it is about. */
  problems_enc: string;
}

export interface BulkLoadTable {
  id: string;
  /** host:pid of the process loading. */
  worker: string;
  started_at: string;
  /** When the load last moved on (each file it starts); another host's load counts as dead after a lease. */
  touched_at: string;
}

export interface IngestKeyTable {
  feed_id: string;
  record_hash: string;
  import_id: string;
  line: number;
  person_id: string | null;
  /**
   * The first 47 bits of `record_hash` (`recordHashKey`, migration 0025): what SQLite finds a key
   * by in `ingest_keys`. Read back only by tests: PostgreSQL gives a bigint as text.
   */
  hash_key: ColumnType<number | string, number, number>;
}

export type LinkReviewStatus = 'open' | 'linked' | 'dismissed';

export interface LinkReviewTable {
  id: Generated<number>;
  import_id: string;
  line: number;
  feed_id: string;
  name: string | null;
  birth_date: string | null;
  hukou_number: string | null;
  candidates_json: string;
  facts_json: string;
  status: LinkReviewStatus;
  person_id: string | null;
  decided_by: string | null;
  decided_at: string | null;
  created_at: string;
}

/** The derived variables of a person or hukou household as last computed (null values: unknown). */
export interface PortraitTable {
  subject_type: 'person' | 'hukou_household';
  subject_id: string;
  values_json: string;
}

/** A tag that holds ('yes') or cannot be decided for missing data ('unknown'). */
export interface PortraitTagTable {
  subject_type: 'person' | 'hukou_household';
  subject_id: string;
  tag: string;
  state: 'yes' | 'unknown';
}

export interface PortraitRefreshTable {
  id: number;
  fact_mark: number;
  membership_mark: number;
  person_mark: string;
  as_of: string;
  definitions_version: string;
  refreshed_at: string;
}

/** One merge of a duplicate person record into a survivor, and its split if it was undone. */
export interface PersonMergeTable {
  id: string;
  survivor_id: string;
  duplicate_id: string;
  reason: string;
  confirmed_different_ids: number;
  /** JSON of MovedRows (src/registry/merges/movedRows.ts). */
  moved_json: string;
  merged_by: string;
  merged_at: string;
  split_by: string | null;
  split_at: string | null;
  split_reason: string | null;
}

/** A screening run (issue 6): every household of an area against the pool, and what it changed. */
export interface ScreeningRunTable {
  id: string;
  trigger: 'scheduled' | 'manual' | 'incremental';
  status: 'running' | 'completed' | 'failed';
  area_code: string | null;
  as_of: string;
  pool_version: string;
  data_version: string;
  started_by: string;
  started_at: string;
  finished_at: string | null;
  households_total: number;
  households_done: number;
  results: number;
  findings_new: number;
  findings_changed: number;
  findings_superseded: number;
  findings_current: number;
  error: string | null;
}

/** 'model': a discovery model (X3) lists the subject; policy_id is the model's id. */
export type FindingKind = 'gap' | 'review' | 'watch' | 'warning' | 'model';
export type FindingStatus = 'new' | 'assigned' | 'resolved' | 'superseded';
/** 'referred': to a provider, by a work order (issue 8). */
export type FindingResolution = 'enrolled' | 'not_eligible' | 'declined' | 'referred';

/** A finding: one household (or member) and one policy, stable across runs, with a lifecycle. */
export interface FindingTable {
  id: string;
  household_id: string;
  policy_id: string;
  subject: string;
  area_code: string;
  kind: FindingKind;
  status: FindingStatus;
  resolution: FindingResolution | null;
  assigned_to: string | null;
  amount: number | null;
  amount_period: string | null;
  /**
   * The run that last wrote it (found, changed, reappeared, superseded) and its versions; the
   * run that last saw it unchanged is its household's (household_screenings).
   */
  pool_version: string;
  data_version: string;
  first_run_id: string;
  last_run_id: string;
  first_seen_at: string;
  last_seen_at: string;
  updated_at: string;
}

/**
 * Why a finding was called for (migration 0017): the explanation snapshot made when it was
 * found, changed kind, amount or area, or reappeared, with the run and versions that made it.
 */
export interface FindingExplanationTable {
  finding_id: string;
  explanation_json: string;
  run_id: string;
  pool_version: string;
  data_version: string;
  explained_at: string;
}

/** The last run that screened a hukou household (migration 0018, ADR 0023). */
export interface HouseholdScreeningTable {
  household_id: string;
  run_id: string;
  screened_at: string;
  pool_version: string;
  data_version: string;
  /** Digest of the findings it called for then; null once staff changed one of its findings. */
  findings_digest: string | null;
  /** Its current findings (called for, not resolved) after that run. */
  findings_current: number;
}

export interface FindingEventTable {
  id: Generated<number>;
  finding_id: string;
  at: string;
  actor: string;
  run_id: string | null;
  action: 'found' | 'changed' | 'assigned' | 'resolved' | 'superseded' | 'reappeared' | 'reopened';
  from_status: FindingStatus | null;
  to_status: FindingStatus;
  kind: FindingKind;
  note: string | null;
}

/** A quarterly visit plan of one village (issue 6, N3). */
export interface VisitPlanTable {
  id: string;
  area_code: string;
  quarter: string;
  created_by: string;
  created_at: string;
}

export interface VisitPlanItemTable {
  plan_id: string;
  household_id: string;
  reasons_json: string;
  visited_at: string | null;
  visited_by: string | null;
  note: string | null;
}

/** Every version of a hardship assessment model (migration 0019, issue 7). */
export interface AssessmentModelTable {
  id: string;
  version: number;
  name_zh: string;
  name_en: string;
  /** The definition as written, JSON (src/assessment/checkAssessmentModel.ts). */
  definition_json: string;
  status: 'draft' | 'active' | 'retired';
  created_by: string;
  created_at: string;
  activated_by: string | null;
  activated_at: string | null;
}

/** A household's latest assessment under one model, by the run that made it. */
export interface HouseholdAssessmentTable {
  household_id: string;
  model_id: string;
  model_version: number;
  area_code: string;
  run_id: string;
  as_of: string;
  assessed_at: string;
  /** Living members. */
  population: number;
  /** Exact fraction, e.g. '5/21'. */
  score: string;
  score_value: number;
  poor: number;
  band: string | null;
  /** Each indicator's value in the model's order, null where missing, JSON. */
  values_json: string;
}

/** A full run's totals for one township under one model (persons, as H, A and M0 count them). */
export interface AssessmentSnapshotTable {
  run_id: string;
  model_id: string;
  model_version: number;
  as_of: string;
  taken_at: string;
  area_code: string;
  households: number;
  population: number;
  poor: number;
  score_sum: number;
  censored_json: string;
  uncensored_json: string;
  missing_json: string;
}

export type WorkOrderSource = 'finding' | 'hotline' | 'manual' | 'application';
export type WorkOrderPriority = 'urgent' | 'high' | 'normal' | 'low';
export type WorkOrderStatus =
  | 'created'
  | 'dispatched'
  | 'accepted'
  | 'in_progress'
  | 'paused'
  | 'resolved'
  | 'verified'
  | 'closed'
  | 'returned'
  | 'cancelled';
export type WorkOrderOutcome = 'enrolled' | 'referred' | 'not_eligible';

/** A work order (issue 8, migration 0020): its current state; the events are its history. */
export interface WorkOrderTable {
  id: string;
  source: WorkOrderSource;
  type: string;
  title: string;
  description: string | null;
  finding_id: string | null;
  policy_id: string | null;
  household_id: string | null;
  person_id: string | null;
  area_code: string;
  organisation_id: string | null;
  assignee_id: string | null;
  dispatcher_org_id: string;
  routing_rule_id: string | null;
  priority: WorkOrderPriority;
  status: WorkOrderStatus;
  outcome: WorkOrderOutcome | null;
  outcome_policy_id: string | null;
  outcome_provider: string | null;
  outcome_note: string | null;
  caller_name: string | null;
  caller_phone_enc: string | null;
  sla_working_days: number;
  clock_started_on: string | null;
  due_on: string | null;
  paused_since: string | null;
  paused_working_days: Generated<number>;
  near_due_notified: Generated<number>;
  overdue: Generated<number>;
  escalation_level: Generated<number>;
  version: number;
  created_by: string;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  resolved_on: string | null;
  closed_at: string | null;
}

export interface WorkOrderEventTable {
  id: Generated<number>;
  order_id: string;
  seq: number;
  at: string;
  actor: string;
  action: string;
  from_status: WorkOrderStatus | null;
  to_status: WorkOrderStatus;
  organisation_id: string | null;
  note: string | null;
  detail_json: string | null;
}

export type WorkOrderPartStatus = 'pending' | 'accepted' | 'done';

export interface WorkOrderPartTable {
  order_id: string;
  organisation_id: string;
  task: string;
  status: WorkOrderPartStatus;
  note: string | null;
  updated_by: string | null;
  updated_at: string;
}

export interface WorkOrderCommentTable {
  id: Generated<number>;
  order_id: string;
  at: string;
  author: string;
  body: string;
}

export interface WorkOrderAttachmentTable {
  id: string;
  order_id: string;
  name: string;
  content_type: string;
  size: number;
  content_base64: string;
  uploaded_by: string;
  uploaded_at: string;
}

export interface CalendarOverrideTable {
  region_code: string;
  day: string;
  kind: 'holiday' | 'workday';
  name: string;
  created_by: string;
  created_at: string;
}

export interface NotificationTable {
  id: Generated<number>;
  organisation_id: string | null;
  user_id: string | null;
  order_id: string | null;
  kind: string;
  title: string;
  body: string | null;
  created_at: string;
  read_at: string | null;
  read_by: string | null;
}

export interface NotificationDeliveryTable {
  id: Generated<number>;
  notification_id: number;
  channel: string;
  status: string;
  recipients: number;
  at: string;
}

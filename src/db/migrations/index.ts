import type { Migration } from 'kysely';
import * as m0001 from './0001_areas.ts';
import * as m0002 from './0002_registry.ts';
import * as m0003 from './0003_audit.ts';
import * as m0004 from './0004_access.ts';
import * as m0005 from './0005_totp.ts';
import * as m0006 from './0006_settings.ts';
import * as m0007 from './0007_audit_archive.ts';
import * as m0008 from './0008_audit_batch_chain.ts';
import * as m0009 from './0009_ingest.ts';
import * as m0010 from './0010_ingest_bulk.ts';
import * as m0011 from './0011_person_merges.ts';
import * as m0012 from './0012_portrait.ts';
import * as m0013 from './0013_rules_permissions.ts';
import * as m0014 from './0014_discovery.ts';
import * as m0015 from './0015_visit_plans.ts';
import * as m0016 from './0016_residence_elsewhere.ts';
import * as m0017 from './0017_finding_explanations.ts';
import * as m0018 from './0018_household_screenings.ts';
import * as m0019 from './0019_assessment.ts';
import * as m0020 from './0020_work_orders.ts';
import * as m0021 from './0021_ingest_keys_by_hash.ts';
import * as m0022 from './0022_recent_ingest_keys.ts';
import * as m0023 from './0023_bulk_loads.ts';
import * as m0024 from './0024_person_lookups.ts';
import * as m0025 from './0025_record_keys_by_number.ts';

/**
 * Every migration, in order. A static list rather than a folder scan, so migrations run the
 * same under tsx, Vitest and a bundled build. Never edit a migration that has shipped: add one.
 */
export const migrations: Record<string, Migration> = {
  '0001_areas': m0001,
  '0002_registry': m0002,
  '0003_audit': m0003,
  '0004_access': m0004,
  '0005_totp': m0005,
  '0006_settings': m0006,
  '0007_audit_archive': m0007,
  '0008_audit_batch_chain': m0008,
  '0009_ingest': m0009,
  '0010_ingest_bulk': m0010,
  '0011_person_merges': m0011,
  '0012_portrait': m0012,
  '0013_rules_permissions': m0013,
  '0014_discovery': m0014,
  '0015_visit_plans': m0015,
  '0016_residence_elsewhere': m0016,
  '0017_finding_explanations': m0017,
  '0018_household_screenings': m0018,
  '0019_assessment': m0019,
  '0020_work_orders': m0020,
  '0021_ingest_keys_by_hash': m0021,
  '0022_recent_ingest_keys': m0022,
  '0023_bulk_loads': m0023,
  '0024_person_lookups': m0024,
  '0025_record_keys_by_number': m0025,
};

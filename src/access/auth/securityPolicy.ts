/**
 * The security policy (MLPS 2.0 level 3; the defaults follow RuoYi and DOMAIN.md). The
 * security administrator will edit it; until then these values are the configuration.
 */
export interface SecurityPolicy {
  maxFailedLogins: number;
  lockMinutes: number;
  idleMinutes: number;
  sessionHours: number;
  passwordMinLength: number;
  /** How many of: lower case, upper case, digits, symbols. */
  passwordCharacterClasses: number;
  passwordMaxAgeDays: number;
}

export const defaultSecurityPolicy: SecurityPolicy = {
  maxFailedLogins: 5,
  lockMinutes: 10,
  idleMinutes: 30,
  sessionHours: 12,
  passwordMinLength: 10,
  passwordCharacterClasses: 3,
  passwordMaxAgeDays: 90,
};

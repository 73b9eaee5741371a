/**
 * The security policy (MLPS 2.0 level 3; the defaults follow RuoYi and DOMAIN.md). These are
 * the defaults: the security administrator changes them as settings (src/settings), which
 * the running server reads per request through the settings provider.
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
  /** The three administrators must bind a TOTP authenticator before doing any work. */
  totpRequiredForAdministrators: boolean;
}

export const defaultSecurityPolicy: SecurityPolicy = {
  maxFailedLogins: 5,
  lockMinutes: 10,
  idleMinutes: 30,
  sessionHours: 12,
  passwordMinLength: 10,
  passwordCharacterClasses: 3,
  passwordMaxAgeDays: 90,
  totpRequiredForAdministrators: true,
};

/** The demo's relaxation, announced when `npm start` prints the demo sign-ins. */
export const demoSecurityPolicy: SecurityPolicy = {
  ...defaultSecurityPolicy,
  totpRequiredForAdministrators: false,
};

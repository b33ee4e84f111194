export const DEVICES_PATH = "/account/devices";
export const PASSWORD_PATH = "/account/password";
/** Where a password change lands; the account page says it worked (a fixed flag, never text from the URL). */
export const ACCOUNT_PATH_PASSWORD_CHANGED = "/account?password=changed";

export const DEVICES_PATH = "/account/devices";
export const PASSWORD_PATH = "/account/password";

export const DEVICES_PATH = "/account/devices";

import { networkOf } from "../network";

/** The client's address (its budget of anonymous data is counted under it) and its network (the device list). */
export function clientOf(config: { clientAddress?: (requestHeaders: Headers) => string | undefined }, requestHeaders: Headers): { clientAddress?: string; network?: string } {
  const clientAddress = config.clientAddress?.(requestHeaders);
  return { clientAddress, network: networkOf(clientAddress) };
}

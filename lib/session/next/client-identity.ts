import { networkOf } from "../network";

/** The client's address as the deployment trusts it (SessionsConfig.clientAddress). */
export type ClientAddressReader = (requestHeaders: Headers) => string | undefined;

/** The client's address (its budget of anonymous data is counted under it) and its network (the device list). */
export function clientOf(clientAddress: ClientAddressReader | undefined, requestHeaders: Headers): { clientAddress?: string; network?: string } {
  const address = clientAddress?.(requestHeaders);
  return { clientAddress: address, network: networkOf(address) };
}

import { isIPv4, isIPv6 } from "node:net";

/**
 * A client address cut to its network (203.0.113.0/24, 2001:db8:85a3::/48):
 * enough for a person to tell "home" from "somewhere else" in a device list,
 * not enough to single out a machine. The full address is never stored.
 */
export function networkOf(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const v4 = mapped ?? address;
  if (isIPv4(v4)) return `${v4.split(".").slice(0, 3).join(".")}.0/24`;
  if (!isIPv6(address)) return undefined;
  const groups = ipv6Groups(address.split("%")[0]);
  if (!groups) return undefined;
  const prefix = groups.slice(0, 3).map((g) => parseInt(g, 16).toString(16));
  while (prefix.at(-1) === "0") prefix.pop(); // 2001:db8:0 is written 2001:db8::
  return `${prefix.join(":")}::/48`;
}

/** The eight groups of an IPv6 address, "::" expanded (an embedded IPv4 tail counts as two). */
export function ipv6Groups(address: string): string[] | null {
  const [head, tail, extra] = address.split("::");
  if (extra !== undefined) return null;
  const part = (text: string | undefined) => (text ? text.split(":").flatMap(v4Tail) : []);
  const left = part(head);
  const right = part(tail);
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  return [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right];
}

function v4Tail(group: string): string[] {
  if (!group.includes(".")) return [group];
  const [a, b, c, d] = group.split(".").map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

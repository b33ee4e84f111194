/**
 * A text field of a posted form; "" when it is missing or a file. A leading
 * byte-order mark is dropped: Node 20's multipart decoder drops it and Node
 * 24's keeps it, and a field must read the same on both (the campaign found a
 * key that was only a BOM refused as empty on one and stored on the other).
 */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.replace(/^\uFEFF/, "") : "";
}

import { getSession } from "@/lib/sessions";
import { saveBuild } from "./actions";
import { PARTS, type PartName } from "./parts";
import { shownText } from "./shown";

const LABELS: Record<PartName, string> = { cpu: "CPU", gpu: "GPU", ram: "RAM" };

export default async function PcBuilderPage() {
  const session = await getSession();
  const build = { cpu: shownText(await session.get("cpu")), gpu: shownText(await session.get("gpu")), ram: shownText(await session.get("ram")) };
  const parts = Object.keys(PARTS) as PartName[];
  return (
    <>
      <h1>PC builder</h1>
      <ul>
        {parts.map((part) => (
          <li key={part}>
            {LABELS[part]}: {build[part] ?? `${LABELS[part]} not selected`}
          </li>
        ))}
      </ul>
      <form action={saveBuild}>
        {parts.map((part) => (
          <label key={part}>
            {LABELS[part]}
            <select name={part} defaultValue={(PARTS[part] as readonly string[]).find((option) => option === build[part]) ?? PARTS[part][0]}>
              {PARTS[part].map((option) => (
                <option key={option}>{option}</option>
              ))}
            </select>
          </label>
        ))}
        <button type="submit">Save build</button>
      </form>
    </>
  );
}

import type { CatalogueCounts } from "@/lib/db/catalogue";

export function Catalogue({ counts }: { counts: CatalogueCounts }) {
  return (
    <>
      <h1>Local Library Home</h1>
      <p>
        Welcome to LocalLibrary, a website developed by <em>Mozilla Developer Network</em>!
      </p>
      <h2>Dynamic content</h2>
      <p>The library has the following record counts:</p>
      <ul>
        <li>
          <strong>Books:</strong> {counts.books}
        </li>
        <li>
          <strong>Copies:</strong> {counts.copies}
        </li>
        <li>
          <strong>Copies available:</strong> {counts.copiesAvailable}
        </li>
        <li>
          <strong>Authors:</strong> {counts.authors}
        </li>
      </ul>
    </>
  );
}

export function Visits({ count }: { count: number }) {
  return (
    <p>
      You have visited this page {count} {count === 1 ? "time" : "times"}.
    </p>
  );
}

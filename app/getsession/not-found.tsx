export default function NoSessionData() {
  return (
    <>
      <h1>No session data yet</h1>
      <p>
        Visit <a href="/setsession">/setsession</a> first.
      </p>
    </>
  );
}

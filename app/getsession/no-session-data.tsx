/** What /getsession shows (with status 404) before /setsession stored its values. */
export function NoSessionData() {
  return (
    <>
      <h1>No session data yet</h1>
      <p>
        Visit <a href="/setsession">/setsession</a> first.
      </p>
    </>
  );
}

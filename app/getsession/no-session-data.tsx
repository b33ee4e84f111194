/** What /getsession shows (with status 404) before /setsession stored its values. */
export function NoSessionData() {
  return (
    <>
      <h1>Get session</h1>
      <p className="output">No session data yet</p>
      <p>
        Visit <a href="/setsession">Set session</a> first: it stores the two values this page reads.
      </p>
    </>
  );
}

import { useEffect } from 'react';

/**
 * Where the vendor sends a Connect popup back to (the dashboard was embedded, so Connect opened a popup): the
 * page in the frame follows the connection itself, so this one only closes. It needs no session: a popup does
 * not share an embedded frame's storage.
 */
export function OAuthPopupDonePage({ connected }: { connected: boolean }) {
  useEffect(() => {
    if (connected) window.close();
  }, [connected]);
  return (
    <main className="sign-in">
      <h1>{connected ? 'Connected' : 'Not connected'}</h1>
      <p role="status">
        {connected
          ? 'You can close this window and go back to your webhooks.'
          : 'The connection did not complete. Close this window and try Connect again.'}
      </p>
    </main>
  );
}

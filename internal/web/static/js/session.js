// What happens to a signed-in session when the connection drops or the
// server ends it (issue 13, item 10). A dropped connection keeps the page
// exactly as it is under a `Reconnecting…` banner, holds the page's calls,
// and logs in again with the tab's newest token once a socket is back; a
// session that cannot be restored, or that the server ended, goes to the
// sign-in form with the reason why. The app supplies the steps as hooks, so
// this module imports neither the app nor its pages.
import { h } from './dom.js';
import { DisconnectedError } from './rpc.js';

/** Why a session ended, as the sign-in form says it. */
export const REASONS = Object.freeze({
  expired: 'Your session has expired.',
  terminated: 'Your session was ended by an administrator.',
  lost: 'The connection to Keyward was lost.',
});

/** The causes of REASONS, named where they are decided. */
export const EXPIRED = 'expired';
export const TERMINATED = 'terminated';
export const LOST = 'lost';

let bannerEl = null;

/**
 * Shows or hides the `Reconnecting…` banner. It lives outside #app, which
 * is inert while a dialog or the panel is open, and above every overlay.
 * The text is set a moment after the live region appears so that screen
 * readers announce it.
 */
export function reconnectingBanner(show) {
  if (!show) {
    if (bannerEl) bannerEl.remove();
    bannerEl = null;
    return;
  }
  if (bannerEl) return;
  const text = h('span', {});
  const box = h('div', { class: 'conn-banner', role: 'status', 'data-test': 'banner-reconnecting' },
    h('span', { class: 'spinner spinner-small', 'aria-hidden': 'true' }), text);
  bannerEl = h('div', { class: 'conn-banner-wrap' }, box);
  document.body.append(bannerEl);
  setTimeout(() => { text.textContent = 'Reconnecting…'; }, 50);
}

/**
 * Watches rpc for the end of a signed-in session. hooks:
 *  - signedIn(): whether a session is being kept;
 *  - pause(): the connection dropped (stop timers that call the server);
 *  - restore(): logs in again on the new socket; resolves true on success,
 *    rejects with DisconnectedError when that socket closes too;
 *  - end(cause): the session is over (EXPIRED, TERMINATED or LOST).
 * A quiet reopen (rpc.js, after the server's auth timeout) is no drop.
 * Returns {cancel}: stop restoring (Log Out under the banner) and fail the
 * calls that were waiting.
 */
export function watchSession(rpc, hooks) {
  let restoring = false;
  const finish = (cause) => {
    restoring = false;
    reconnectingBanner(false);
    hooks.end(cause);
  };
  rpc.addEventListener('disconnect', (e) => {
    if (!hooks.signedIn()) return;
    if (e.detail && e.detail.cause === TERMINATED) { finish(TERMINATED); return; }
    if (restoring) return;
    restoring = true;
    rpc.hold();
    hooks.pause();
    reconnectingBanner(true);
  });
  rpc.addEventListener('connect', async (e) => {
    if (!restoring || e.detail.quiet) return;
    let ok = false;
    try {
      ok = await hooks.restore();
    } catch (err) {
      if (err instanceof DisconnectedError) return; // the next connect tries again
      console.error('restoring the session failed', err);
    }
    if (!restoring) return;
    if (!ok) { finish(LOST); return; }
    restoring = false;
    reconnectingBanner(false);
    rpc.resume();
  });
  rpc.addEventListener('unauthenticated', () => {
    if (!restoring && hooks.signedIn()) finish(EXPIRED);
  });
  return {
    cancel() {
      if (!restoring) return;
      restoring = false;
      reconnectingBanner(false);
      rpc.discard();
    },
  };
}

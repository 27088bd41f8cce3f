/**
 * The console's app shell: finds out who is signed in, keeps the current hash route, and frames
 * every page with the top bar (identity, region, sign-out) and the side navigation. A session
 * that ends (401 from any call, or a reload after it expired) sends the tab to sign-in with the
 * "expired" message; sign-in sends it back to where it was.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentSession, signOut, whenSignedOut, type SessionInfo } from './api.js';
import { href, parseRoute, type PageProps, type Route } from './router.js';
import { initialRegion, keepRegion, RegionContext } from './components/region.js';
import { NotFound, SideNav, TopBar } from './components/shell.js';
import { SignInPage } from './pages/signin.js';
import { DashboardPage } from './pages/dashboard.js';
import { EventsPage } from './pages/events.js';
import { EventDetailPage } from './pages/event-detail.js';
import { TrailsPage } from './pages/trails.js';
import { TrailWizardPage } from './pages/trail-wizard.js';
import { TrailDetailPage } from './pages/trail-detail.js';
import { BucketsPage } from './pages/buckets.js';
import { BucketBrowserPage } from './pages/bucket-browser.js';
import { LogFilePage } from './pages/log-file.js';

/** Set while this tab has a session, so a reload after expiry can say so instead of a bare sign-in. */
const SIGNED_IN_KEY = 'opentrail.signedIn';

function navigate(hash: string): void {
  location.hash = hash;
}

/** The signed-in page for a route, or null when the address names nothing. */
function pageFor(route: Route): ((props: PageProps) => JSX.Element) | null {
  const [section = 'dashboard', second, third] = route.segments;
  switch (section) {
    case 'dashboard':
      return second === undefined ? DashboardPage : null;
    case 'events':
      return second === undefined ? EventsPage : third === undefined ? EventDetailPage : null;
    case 'trails':
      if (second === undefined) return TrailsPage;
      if (second === 'new' && third === undefined) return TrailWizardPage;
      if (third === undefined) return TrailDetailPage;
      return third === 'edit' ? TrailWizardPage : null;
    case 'buckets':
      if (second === undefined) return BucketsPage;
      if (third === undefined) return BucketBrowserPage;
      return third === 'file' ? LogFilePage : null;
    default:
      return null;
  }
}

/** A plain #main link would change the hash route, so the skip link moves focus itself. */
function skipToMain(e: Event): void {
  e.preventDefault();
  document.getElementById('main')?.focus();
}

/** Why the tab is going to sign-in: nobody signed in yet, the session ran out, or the user left. */
type SignInReason = 'none' | 'expired' | 'signout';

/**
 * The sign-in address for leaving `from`: it returns to `from` afterwards unless the user signed
 * out, and says "expired" when the session ran out. Already on sign-in, the address is kept.
 */
function signInHash(from: Route, reason: SignInReason): string | undefined {
  if (from.segments[0] === 'signin') return undefined;
  const back = reason === 'signout' || from.segments.length === 0 ? undefined : location.hash;
  return href(['signin'], { expired: reason === 'expired' ? '1' : undefined, next: back });
}

export function App() {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [region, setRegion] = useState('us-east-1');
  const [failure, setFailure] = useState<string | null>(null);

  const signedIn = (info: SessionInfo): void => {
    sessionStorage.setItem(SIGNED_IN_KEY, '1');
    setRegion(initialRegion(info.region, info.regions));
    setSession(info);
  };

  const signedOut = (reason: SignInReason): void => {
    if (reason === 'signout') sessionStorage.removeItem(SIGNED_IN_KEY);
    setSession(null);
    const to = signInHash(parseRoute(location.hash), reason);
    if (to !== undefined) navigate(to);
  };

  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    whenSignedOut(() => signedOut('expired'));
    currentSession().then(
      (info) => (info ? signedIn(info) : signedOut(sessionStorage.getItem(SIGNED_IN_KEY) !== null ? 'expired' : 'none')),
      (e: unknown) => setFailure(e instanceof Error ? e.message : String(e)),
    );
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // Each new page starts at the top, and a screen reader hears where it landed.
  useEffect(() => {
    window.scrollTo(0, 0);
    const h1 = document.querySelector<HTMLElement>('main h1');
    h1?.setAttribute('tabindex', '-1');
    h1?.focus();
  }, [route.segments.join('/')]);

  if (failure) {
    return (
      <div class="alert error boot" role="alert">
        The console could not reach the server: {failure}
      </div>
    );
  }
  if (session === undefined) return <p class="muted boot">Loading…</p>;

  if (session === null || route.segments[0] === 'signin') {
    return (
      <SignInPage
        route={route}
        onSignedIn={(info) => {
          signedIn(info);
          navigate(route.query.get('next') ?? '#/dashboard');
        }}
      />
    );
  }

  const Page = pageFor(route);
  const chooseRegion = (r: string) => {
    keepRegion(r);
    setRegion(r);
  };
  const doSignOut = () => {
    signOut().then(
      () => signedOut('signout'),
      () => signedOut('signout'),
    );
  };
  return (
    <RegionContext.Provider value={region}>
      <a class="skip-link" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <TopBar session={session} region={region} onRegion={chooseRegion} onSignOut={doSignOut} />
      <div class="shell">
        <SideNav section={route.segments[0] ?? 'dashboard'} />
        <main id="main" tabIndex={-1}>
          {Page ? <Page key={route.segments.join('/')} session={session} route={route} navigate={navigate} /> : <NotFound />}
        </main>
      </div>
    </RegionContext.Provider>
  );
}

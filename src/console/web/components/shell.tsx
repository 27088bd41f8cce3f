/**
 * The frame around every signed-in page: the top bar (product, region selector, who is signed
 * in, sign-out), the side navigation, and what an unknown address shows.
 */
import type { SessionInfo } from '../api.js';

const NAV: Array<{ label: string; hash: string; section: string }> = [
  { label: 'Dashboard', hash: '#/dashboard', section: 'dashboard' },
  { label: 'Event history', hash: '#/events', section: 'events' },
  { label: 'Trails', hash: '#/trails', section: 'trails' },
  { label: 'Buckets', hash: '#/buckets', section: 'buckets' },
];

function identityLabel(session: SessionInfo): string {
  const who = session.identity.type === 'Root' ? 'root' : (session.identity.userName ?? session.identity.arn);
  return `${who} @ ${session.identity.accountId}`;
}

export function TopBar(props: { session: SessionInfo; region: string; onRegion(region: string): void; onSignOut(): void }) {
  return (
    <header class="topbar">
      <a class="brand" href="#/dashboard">
        OpenTrail <span class="brand-sub">console</span>
      </a>
      <div class="topbar-right">
        <div class="topbar-field">
          <label for="region">Region</label>
          <select id="region" value={props.region} onChange={(e) => props.onRegion(e.currentTarget.value)}>
            {props.session.regions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <span class="identity" title={props.session.identity.arn}>
          {identityLabel(props.session)}
        </span>
        <button type="button" class="btn topbar-btn" onClick={props.onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}

export function SideNav({ section }: { section: string }) {
  return (
    <nav class="sidenav" aria-label="Console">
      <ul>
        {NAV.map((n) => (
          <li key={n.hash}>
            <a href={n.hash} aria-current={n.section === section ? 'page' : undefined}>
              {n.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function NotFound() {
  return (
    <div class="page">
      <div class="page-header">
        <h1>Page not found</h1>
      </div>
      <p>
        Nothing lives at this address. <a href="#/dashboard">Go to the dashboard</a>.
      </p>
    </div>
  );
}

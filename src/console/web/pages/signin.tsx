/**
 * Sign-in (`#/signin`): an IAM user with account, user name and password, or anyone with an
 * access key pair (root signs in with its bootstrap pair). The server records every attempt as a
 * ConsoleLogin event; a failure shows the server's message and nothing else.
 */
import { useState } from 'preact/hooks';
import { signIn, type SessionInfo, type SignInForm } from '../api.js';
import type { Route } from '../router.js';

type Method = 'password' | 'keys';

export function SignInPage({ route, onSignedIn }: { route: Route; onSignedIn(session: SessionInfo): void }) {
  const [method, setMethod] = useState<Method>('password');
  const [fields, setFields] = useState({ account: '', userName: '', password: '', accessKeyId: '', secretAccessKey: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof fields) => (e: Event) => setFields({ ...fields, [name]: (e.currentTarget as HTMLInputElement).value });

  const submit = (e: Event) => {
    e.preventDefault();
    const form: SignInForm =
      method === 'password'
        ? { account: fields.account.trim(), userName: fields.userName.trim(), password: fields.password }
        : { accessKeyId: fields.accessKeyId.trim(), secretAccessKey: fields.secretAccessKey };
    setBusy(true);
    setError(null);
    signIn(form).then(onSignedIn, (err: unknown) => {
      setBusy(false);
      setError(err instanceof Error ? err.message : String(err));
    });
  };

  return (
    <main class="signin" id="main">
      <form class="card signin-card" onSubmit={submit}>
        <h1>
          OpenTrail <span class="brand-sub">console</span>
        </h1>
        <p class="muted">Sign in to view event history, trails and log files.</p>
        {route.query.get('expired') === '1' && !error && (
          <div class="alert info" role="status">
            Your session has expired. Sign in again.
          </div>
        )}
        {error && (
          <div class="alert error" role="alert">
            {error}
          </div>
        )}
        <fieldset class="fieldset">
          <legend>Sign in with</legend>
          <label class="choice">
            <input type="radio" name="method" checked={method === 'password'} onChange={() => setMethod('password')} />
            IAM user password
          </label>
          <label class="choice">
            <input type="radio" name="method" checked={method === 'keys'} onChange={() => setMethod('keys')} />
            Access key
          </label>
        </fieldset>
        {method === 'password' ? (
          <>
            <label class="field">
              <span>Account ID or alias</span>
              <input name="account" autocomplete="username" required value={fields.account} onInput={set('account')} />
            </label>
            <label class="field">
              <span>IAM user name</span>
              <input name="userName" required value={fields.userName} onInput={set('userName')} />
            </label>
            <label class="field">
              <span>Password</span>
              <input name="password" type="password" autocomplete="current-password" required value={fields.password} onInput={set('password')} />
            </label>
          </>
        ) : (
          <>
            <label class="field">
              <span>Access key ID</span>
              <input name="accessKeyId" autocomplete="username" spellcheck={false} required value={fields.accessKeyId} onInput={set('accessKeyId')} />
            </label>
            <label class="field">
              <span>Secret access key</span>
              <input
                name="secretAccessKey"
                type="password"
                autocomplete="current-password"
                required
                value={fields.secretAccessKey}
                onInput={set('secretAccessKey')}
              />
            </label>
          </>
        )}
        <button type="submit" class="btn primary wide" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

/**
 * Signs a browser page in to the web console the way a person would: fills the sign-in form by
 * its labels and waits for the dashboard. Every console browser test starts from here.
 */
import type { Page } from 'playwright-core';

const SIGNED_IN_TIMEOUT = 15_000;

async function openSignIn(page: Page, endpoint: string): Promise<void> {
  await page.goto(`${endpoint}/console/#/signin`);
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
}

async function submitAndWait(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await dashboardSettled(page);
}

/**
 * The dashboard is up and its figures have come back (or failed): a test that moves the clock
 * right after sign-in must not race the dashboard's own call into a session it just expired.
 */
export async function dashboardSettled(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor({ timeout: SIGNED_IN_TIMEOUT });
  await page.getByText('Loading figures…').waitFor({ state: 'detached', timeout: SIGNED_IN_TIMEOUT });
}

/** Sign in with an access key pair (root's bootstrap pair or an IAM user's key). */
export async function signInWithKeys(
  page: Page,
  endpoint: string,
  creds: { accessKeyId: string; secretAccessKey: string },
): Promise<void> {
  await openSignIn(page, endpoint);
  await page.getByRole('radio', { name: 'Access key' }).check();
  await page.getByLabel('Access key ID').fill(creds.accessKeyId);
  await page.getByLabel('Secret access key').fill(creds.secretAccessKey);
  await submitAndWait(page);
}

/** Sign in as an IAM user with its login profile's password. */
export async function signInWithPassword(
  page: Page,
  endpoint: string,
  form: { account: string; userName: string; password: string },
): Promise<void> {
  await openSignIn(page, endpoint);
  await page.getByRole('radio', { name: 'IAM user password' }).check();
  await page.getByLabel('Account ID or alias').fill(form.account);
  await page.getByLabel('IAM user name').fill(form.userName);
  await page.getByLabel('Password', { exact: true }).fill(form.password);
  await submitAndWait(page);
}

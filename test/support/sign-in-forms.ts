import assert from 'node:assert/strict';
import request from 'supertest';

/**
 * Driving grantkit's sign-in forms at route level, as a browser would: read a page's form (its
 * action, hidden fields and the flow cookie set with it), post it back, and read what the page
 * shows a person.
 */
export interface Form {
  readonly action: string;
  readonly fields: Record<string, string>;
  /** The flow cookie as a browser sends it back (`name=value`). */
  readonly cookie: string;
}

/** The form of a page: its action's path, its hidden fields, and the flow cookie set with it. */
export function formOf(res: request.Response): Form {
  const action = /<form method="post" action="([^"]+)"/.exec(res.text)?.[1];
  assert.ok(action, res.text.slice(0, 400));
  const fields: Record<string, string> = {};
  for (const m of res.text.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)) fields[m[1]!] = m[2]!;
  return { action: new URL(action).pathname, fields, cookie: String(res.headers['set-cookie']).split(';')[0]! };
}

/** Posts a form with its hidden fields, `values`, the flow cookie (unless `cookie` is false) and any other headers. */
export function postForm(
  app: Parameters<typeof request>[0],
  form: Form,
  values: Record<string, string>,
  options: { readonly cookie?: boolean; readonly headers?: Record<string, string> } = {},
): request.Test {
  const r = request(app).post(form.action).type('form').set(options.headers ?? {}).send({ ...form.fields, ...values });
  return options.cookie === false ? r : r.set('cookie', form.cookie);
}

/**
 * The words a page shows a person: its text without the style sheet, tags or entities, and
 * without `<code>` (literal values: error types, the sandbox's password), whitespace collapsed.
 */
export function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<code\b[^>]*>[\s\S]*?<\/code>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/\s+/g, ' ')
    .trim();
}

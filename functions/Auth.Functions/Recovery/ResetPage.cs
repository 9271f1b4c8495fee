using System.Net;
using System.Security.Cryptography;
using Auth.Functions.Http;

namespace Auth.Functions.Recovery;

/// <summary>
/// The page a reset email links to (<c>#token=…</c>). Its script takes the token out of the address bar at once and
/// sends it only in the POST body; the page sends no referrer and allows only its own nonce'd
/// script and style. The token is never echoed into the HTML.
/// </summary>
public static class ResetPage
{
    public static IResult Render(HttpContext context)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var endpoint = Routes.PathOf(Routes.ResetPassword);
        var headers = context.Response.Headers;
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy =
            $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; " +
            "form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
        headers.XFrameOptions = "DENY";
        headers.CacheControl = "no-store";
        return TypedResults.Content(Html(nonce, WebUtility.HtmlEncode(endpoint)), "text/html; charset=utf-8");
    }

    private static string Html(string nonce, string endpoint) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <meta name="referrer" content="no-referrer">
          <title>Choose a new password</title>
          <style nonce="{{nonce}}">
            body { font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a; background: #f6f6f6; margin: 0; }
            main { max-width: 26rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: .5rem; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
            h1 { font-size: 1.5rem; margin-top: 0; }
            label { display: block; font-weight: 600; margin-top: 1rem; }
            input { display: block; width: 100%; box-sizing: border-box; font-size: 1rem; padding: .5rem; margin-top: .25rem; border: 1px solid #767676; border-radius: .25rem; }
            input:focus, button:focus { outline: 3px solid #1a5fb4; outline-offset: 2px; }
            .hint { font-size: .875rem; color: #4a4a4a; margin: .25rem 0 0; }
            .error { color: #a51d2d; font-size: .9rem; margin: .25rem 0 0; }
            button { margin-top: 1.5rem; font-size: 1rem; padding: .6rem 1.2rem; border: 0; border-radius: .25rem; background: #1a5fb4; color: #fff; cursor: pointer; }
            button[disabled] { opacity: .6; cursor: progress; }
            #status { margin-top: 1.5rem; }
            #status.ok { color: #26662e; font-weight: 600; }
            #status.bad { color: #a51d2d; }
          </style>
        </head>
        <body>
          <main>
            <h1>Choose a new password</h1>
            <form id="reset-form" data-endpoint="{{endpoint}}" novalidate>
              <label for="new-password">New password</label>
              <input id="new-password" name="newPassword" type="password" autocomplete="new-password" required minlength="8" aria-describedby="password-hint password-error">
              <p id="password-hint" class="hint">At least 8 characters; a long passphrase is best.</p>
              <p id="password-error" class="error" hidden></p>
              <label for="confirm-password">Confirm new password</label>
              <input id="confirm-password" name="confirmPassword" type="password" autocomplete="new-password" required aria-describedby="confirm-error">
              <p id="confirm-error" class="error" hidden></p>
              <button type="submit">Set new password</button>
            </form>
            <p id="status" role="status" aria-live="polite"></p>
            <noscript><p>This page needs JavaScript to send your new password.</p></noscript>
          </main>
          <script nonce="{{nonce}}">
            (() => {
              // The link carries the token in the fragment, which the browser never sends to a server;
              // a ?token= link from an email sent before that change still works.
              const token = new URLSearchParams(location.hash.slice(1)).get('token')
                || new URLSearchParams(location.search).get('token');
              // The token leaves the address bar and the history before anything else can see it.
              history.replaceState(null, '', location.pathname);
              const form = document.getElementById('reset-form');
              const password = document.getElementById('new-password');
              const confirmation = document.getElementById('confirm-password');
              const passwordError = document.getElementById('password-error');
              const confirmError = document.getElementById('confirm-error');
              const status = document.getElementById('status');
              const button = form.querySelector('button');

              const show = (element, message) => { element.textContent = message; element.hidden = !message; };
              const setStatus = (message, kind) => { status.textContent = message; status.className = kind; };
              const invalid = (input, on) => input.setAttribute('aria-invalid', on ? 'true' : 'false');

              if (!token) {
                form.hidden = true;
                setStatus('This link is incomplete. Open the link from your email again, or ask for a new one.', 'bad');
                return;
              }

              form.addEventListener('submit', async (event) => {
                event.preventDefault();
                show(passwordError, ''); show(confirmError, ''); setStatus('', '');
                invalid(password, false); invalid(confirmation, false);
                if (password.value.length === 0) {
                  show(passwordError, 'Enter a new password.'); invalid(password, true); password.focus(); return;
                }
                if (password.value !== confirmation.value) {
                  show(confirmError, 'The two passwords do not match.'); invalid(confirmation, true); confirmation.focus(); return;
                }
                button.disabled = true;
                try {
                  const response = await fetch(form.dataset.endpoint, {
                    method: 'POST',
                    headers: { 'Content-Type': 'application/json' },
                    body: JSON.stringify({ token, newPassword: password.value }),
                    credentials: 'omit',
                    referrerPolicy: 'no-referrer',
                  });
                  if (response.status === 204) {
                    form.hidden = true;
                    setStatus('Your password has been changed. You can now sign in with your new password.', 'ok');
                    return;
                  }
                  const problem = await response.json().catch(() => null);
                  const fieldErrors = problem && problem.errors && problem.errors.newPassword;
                  if (fieldErrors) {
                    show(passwordError, fieldErrors.join(' ')); invalid(password, true); password.focus();
                  } else if (response.status === 404 || response.status === 410) {
                    form.hidden = true;
                    setStatus((problem && problem.title ? problem.title + ' ' : '') + 'Ask for a new reset email.', 'bad');
                  } else {
                    setStatus((problem && problem.title) || 'Something went wrong. Please try again.', 'bad');
                  }
                } catch {
                  setStatus('The server could not be reached. Please try again.', 'bad');
                } finally {
                  button.disabled = false;
                }
              });
            })();
          </script>
        </body>
        </html>
        """;
}

using System.Net;
using Auth.Functions.Http;

namespace Auth.Functions.Recovery;

/// <summary>
/// The page a reset email links to (<c>#token=…</c>): a new-password form that calls ResetPassword
/// and shows the outcome, in the <see cref="HostedPage"/> frame.
/// </summary>
public static class ResetPage
{
    public const string Title = "Choose a new password";

    public static IResult Render(HttpContext context) =>
        HostedPage.Render(context, Title, Markup(WebUtility.HtmlEncode(Routes.PathOf(Routes.ResetPassword))), Script);

    private static string Markup(string endpoint) => $"""
        <form id="reset-form" data-endpoint="{endpoint}" novalidate>
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
        """;

    private const string Script = """
        const form = document.getElementById('reset-form');
        const password = document.getElementById('new-password');
        const confirmation = document.getElementById('confirm-password');
        const passwordError = document.getElementById('password-error');
        const confirmError = document.getElementById('confirm-error');
        const button = form.querySelector('button');

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
            const response = await post(form.dataset.endpoint, { token, newPassword: password.value });
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
        """;
}

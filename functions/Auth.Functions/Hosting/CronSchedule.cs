using System.Globalization;

namespace Auth.Functions.Hosting;

/// <summary>
/// A six-field NCRONTAB expression as Azure Functions timer triggers use it
/// (<c>second minute hour day month day-of-week</c>, UTC): <c>*</c>, numbers, ranges <c>a-b</c>, steps
/// <c>*/n</c> or <c>a-b/n</c>, and comma lists. Day and day-of-week must both match.
/// </summary>
public sealed class CronSchedule
{
    private readonly bool[] _seconds;
    private readonly bool[] _minutes;
    private readonly bool[] _hours;
    private readonly bool[] _days;
    private readonly bool[] _months;
    private readonly bool[] _weekdays;

    private CronSchedule(string[] fields)
    {
        _seconds = Field(fields[0], 0, 59);
        _minutes = Field(fields[1], 0, 59);
        _hours = Field(fields[2], 0, 23);
        _days = Field(fields[3], 1, 31);
        _months = Field(fields[4], 1, 12);
        _weekdays = Field(fields[5], 0, 6);
    }

    public static CronSchedule Parse(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            throw new FormatException($"'{expression}' is not a six-field NCRONTAB expression (second minute hour day month day-of-week).");
        }

        return new CronSchedule(fields);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        var t = after.UtcDateTime;
        t = new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, DateTimeKind.Utc).AddSeconds(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_months[t.Month])
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
                continue;
            }

            if (!_days[t.Day] || !_weekdays[(int)t.DayOfWeek])
            {
                t = t.Date.AddDays(1);
                continue;
            }

            if (!_hours[t.Hour])
            {
                t = t.Date.AddHours(t.Hour + 1);
                continue;
            }

            if (!_minutes[t.Minute])
            {
                t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1);
                continue;
            }

            if (!_seconds[t.Second])
            {
                t = t.AddSeconds(1);
                continue;
            }

            return new DateTimeOffset(t, TimeSpan.Zero);
        }

        throw new InvalidOperationException("The schedule never fires.");
    }

    private static bool[] Field(string text, int min, int max)
    {
        var allowed = new bool[max + 1];
        foreach (var part in text.Split(','))
        {
            var step = 1;
            var range = part;
            var slash = part.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                step = Number(part[(slash + 1)..], 1, max);
                range = part[..slash];
            }

            int from, to;
            if (range == "*")
            {
                (from, to) = (min, max);
            }
            else if (range.Contains('-', StringComparison.Ordinal))
            {
                var bounds = range.Split('-');
                (from, to) = (Number(bounds[0], min, max), Number(bounds[1], min, max));
            }
            else
            {
                from = Number(range, min, max);
                to = slash >= 0 ? max : from;
            }

            if (from > to)
            {
                throw new FormatException($"'{part}' is an empty range.");
            }

            for (var v = from; v <= to; v += step)
            {
                allowed[v] = true;
            }
        }

        return allowed;
    }

    private static int Number(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new FormatException($"'{text}' is not a number from {min} to {max}.");
}

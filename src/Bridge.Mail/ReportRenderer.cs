namespace Bridge.Mail;

/// <summary>Turns a <see cref="DailyReport"/> into a mail subject, a plain-text body and an HTML body.</summary>
public static class ReportRenderer
{
    /// <summary>Renders with the default limits.</summary>
    public static RenderedReport Render(DailyReport report) => Render(report, RenderLimits.Default);

    /// <summary>Renders, listing at most as many rows as <paramref name="limits"/> allow.</summary>
    public static RenderedReport Render(DailyReport report, RenderLimits limits)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxObjectsPerKind, 1, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxRows, 1, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxValueLength, 16, nameof(limits));
        var view = ReportView.Create(report, limits);
        return new RenderedReport(view.Subject, ReportText.Render(view), ReportHtml.Render(view));
    }
}

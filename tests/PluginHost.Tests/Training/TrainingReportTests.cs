using PluginHost.Sdk.Training;

namespace PluginHost.Tests.Training;

/// <summary>What a trainer may report through <see cref="TrainingContext"/>: named finite figures, bounded curves.</summary>
public sealed class TrainingReportTests
{
    [Fact]
    public void Keeps_the_last_value_of_a_metric_and_the_points_of_a_curve_in_order()
    {
        var report = new TrainingReport();
        report.AddMetric("accuracy", 0.5);
        report.AddMetric("accuracy", 0.93);
        report.AddMetric("macro_f1", 0.9);
        report.AddCurvePoint("loss", 0, 0.69);
        report.AddCurvePoint("loss", 1, 0.4);

        Assert.Equal(new Dictionary<string, double> { ["accuracy"] = 0.93, ["macro_f1"] = 0.9 }, report.Metrics());
        Assert.Equal(new (int Step, double Value)[] { (0, 0.69), (1, 0.4) }, report.Curves()!["loss"]);
        Assert.Empty(report.TruncatedCurves());
    }

    [Theory]
    [InlineData("", 0.5)]
    [InlineData("has space", 0.5)]
    [InlineData("accuracy", double.NaN)]
    [InlineData("loss", double.PositiveInfinity)]
    public void Refuses_bad_names_and_values_with_a_message_that_names_them(string name, double value)
    {
        var report = new TrainingReport();
        var error = Assert.Throws<ArgumentException>(() => report.AddMetric(name, value));
        Assert.Contains($"'{name}'", error.Message);
        Assert.Throws<ArgumentException>(() => report.AddCurvePoint(name, 1, value));
        Assert.Null(report.Metrics());
        Assert.Null(report.Curves());
    }

    [Fact]
    public void A_long_curve_keeps_its_first_points_and_says_it_was_cut()
    {
        var report = new TrainingReport();
        for (var step = 0; step < TrainingReport.MaxCurvePoints + 10; step++) report.AddCurvePoint("loss", step, 1.0 / (step + 1));
        Assert.Equal(TrainingReport.MaxCurvePoints, report.Curves()!["loss"].Count);
        Assert.Equal(TrainingReport.MaxCurvePoints - 1, report.Curves()!["loss"][^1].Step);
        Assert.Equal(new[] { "loss" }, report.TruncatedCurves());
    }
}

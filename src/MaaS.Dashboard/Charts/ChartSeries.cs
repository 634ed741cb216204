namespace MaaS.Dashboard.Charts;

/// <summary>One line of a <see cref="SvgCharts.Line"/> chart: a name for the legend and one value per x position (null: no data).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double?> Values);

/// <summary>One bar of a <see cref="SvgCharts.Bars"/> chart.</summary>
public sealed record ChartBar(string Label, double Value);

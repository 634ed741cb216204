using System.Xml.Linq;
using MaaS.Dashboard.Charts;

namespace MaaS.Dashboard.Tests;

/// <summary>The dashboard's SVG charts: well-formed, accessible, escaped, and carrying the values they were drawn from.</summary>
public sealed class SvgChartsTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Line_TwoSeries_TitleDescAndValues()
    {
        string svg = SvgCharts.Line("c1", "Requests <per> second", "desc & more", ["a", "b", "c"],
            [new ChartSeries("x", [1, null, 3]), new ChartSeries("y<script>", [0, 2, 2])], "req/s");
        var root = XElement.Parse(svg);
        Assert.Equal("img", (string?)root.Attribute("role"));
        Assert.Equal("c1-title c1-desc", (string?)root.Attribute("aria-labelledby"));
        Assert.Equal("Requests <per> second", root.Element(Svg + "title")!.Value);
        Assert.Equal("desc & more", root.Element(Svg + "desc")!.Value);
        var paths = root.Elements(Svg + "path").ToList();
        Assert.Equal(["1 - 3", "0 2 2"], paths.Select(p => (string?)p.Attribute("data-values")));
        Assert.Equal("8", (string?)root.Attribute("data-total"));
        Assert.DoesNotContain("<script>", svg, StringComparison.Ordinal);
        // A gap (null) lifts the pen: the first series has two separate moves.
        Assert.Equal(2, ((string?)paths[0].Attribute("d"))!.Count(c => c == 'M'));
    }

    [Fact]
    public void Bars_Empty_StillWellFormed()
    {
        var root = XElement.Parse(SvgCharts.Bars("c2", "t", "d", [], "events"));
        Assert.Empty(root.Elements(Svg + "rect"));
        Assert.Equal("0", (string?)root.Attribute("data-total"));
    }

    [Fact]
    public void Bars_ValueUnit_WrittenAfterEachBarsValue_AxisKeepsItsUnit()
    {
        var root = XElement.Parse(SvgCharts.Bars("c3", "t", "d", [new ChartBar("play", 12.5), new ChartBar("click", 3)], "% of served items", valueUnit: " %"));
        var texts = root.Elements(Svg + "text").ToList();

        Assert.Equal(["12.5 %", "3 %"], texts.Where(t => (string?)t.Attribute("class") == "value").Select(t => t.Value));
        Assert.Contains(texts, t => (string?)t.Attribute("class") == "tick" && t.Value.StartsWith("% of served items", StringComparison.Ordinal));
        Assert.Equal(["3"], XElement.Parse(SvgCharts.Bars("c4", "t", "d", [new ChartBar("a", 3)], "events")).Elements(Svg + "text").Where(t => (string?)t.Attribute("class") == "value").Select(t => t.Value));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.7, 1)]
    [InlineData(3, 5)]
    [InlineData(18, 20)]
    [InlineData(240, 250)]
    [InlineData(7933, 10000)]
    public void NiceMax_RoundsUpToATickFriendlyNumber(double max, double expected) =>
        Assert.Equal(expected, SvgCharts.NiceMax(max));
}

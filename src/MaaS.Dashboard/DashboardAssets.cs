namespace MaaS.Dashboard;

/// <summary>
/// The dashboard's one stylesheet and one script, served by the gateway itself (no CDN, no build step). The script
/// is the only live part: every <c>data-live</c> seconds it fetches the page again and swaps in its
/// <c>#live</c> region, so charts and numbers follow the traffic without a full reload; pages work without it.
/// </summary>
internal static class DashboardAssets
{
    public const string Css = """
        :root { --fg: #1b1f24; --muted: #4a5560; --bg: #ffffff; --panel: #f5f7f9; --line: #d0d7de; --accent: #0b5cad; --bad: #a4161a; --good: #1a7f37; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
        a { color: var(--accent); }
        a:focus, button:focus, input:focus, select:focus { outline: 3px solid #f2a900; outline-offset: 1px; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 10; }
        header.top { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px; padding: 10px 20px; background: #132f4c; color: #fff; }
        header.top h1 { font-size: 18px; margin: 0; }
        header.top .who { display: flex; gap: 12px; align-items: center; font-size: 14px; }
        header.top button { background: transparent; color: #fff; border: 1px solid #fff; border-radius: 4px; padding: 3px 10px; cursor: pointer; }
        nav.sections { background: var(--panel); border-bottom: 1px solid var(--line); padding: 0 20px; }
        nav.sections ul { list-style: none; display: flex; flex-wrap: wrap; gap: 4px; margin: 0; padding: 0; }
        nav.sections a { display: block; padding: 10px 12px; text-decoration: none; color: var(--fg); border-bottom: 3px solid transparent; }
        nav.sections a[aria-current="page"] { border-bottom-color: var(--accent); font-weight: 600; }
        main { padding: 16px 20px 40px; max-width: 1400px; }
        h2 { font-size: 22px; margin: 8px 0 12px; }
        h3 { font-size: 17px; margin: 18px 0 8px; }
        .grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
        .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; min-width: 0; }
        .panel h3 { margin-top: 0; }
        .kpis { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 12px; margin-bottom: 16px; }
        .kpi { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
        .kpi .label { color: var(--muted); font-size: 13px; }
        .kpi .value { font-size: 24px; font-weight: 600; }
        svg.chart { width: 100%; max-width: 760px; height: auto; display: block; background: #fff; border: 1px solid var(--line); border-radius: 4px; }
        svg.chart text { font: 11px system-ui, "DejaVu Sans", sans-serif; fill: #333; }
        svg.chart text.legend { font-size: 12px; }
        table { border-collapse: collapse; width: 100%; font-size: 14px; }
        th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: #eaeef2; }
        tbody th { background: transparent; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .table-wrap { overflow-x: auto; }
        .ok { color: var(--good); font-weight: 600; }
        .bad { color: var(--bad); font-weight: 600; }
        .idle { color: var(--muted); font-weight: 600; }
        .muted { color: var(--muted); }
        .message { padding: 10px 12px; border-radius: 6px; border: 1px solid var(--line); background: #fff8e1; margin: 8px 0 16px; }
        .message.error { background: #fdecea; border-color: #f5c2c0; }
        form.inline { display: inline-flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 2px 0; }
        form.stack { display: grid; gap: 8px; max-width: 420px; }
        label { font-weight: 600; }
        input[type=text], input[type=password], input[type=search], select { padding: 6px 8px; border: 1px solid #8c959f; border-radius: 4px; font: inherit; min-width: 0; }
        button { padding: 6px 12px; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; font: inherit; cursor: pointer; }
        button.secondary { background: #fff; color: var(--accent); }
        .cards { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        .toolbar { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; margin-bottom: 12px; }
        .updated { font-size: 13px; color: var(--muted); }
        progress { width: 90px; height: 12px; vertical-align: middle; accent-color: var(--accent); }
        @media (max-width: 1000px) {
          .grid, .cards { grid-template-columns: minmax(0, 1fr); }
          .kpis { grid-template-columns: repeat(3, minmax(0, 1fr)); }
          main { padding: 12px; }
        }
        """;

    public const string Script = """
        // Live region refresh: fetch this page again and swap in #live (no library; pages work without it).
        (function () {
          var main = document.querySelector('main[data-live]');
          var seconds = main ? parseInt(main.getAttribute('data-live'), 10) : 0;
          if (!seconds) { return; }
          async function refresh() {
            if (document.hidden) { return; }
            try {
              var response = await fetch(location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } });
              if (!response.ok) { return; }
              var next = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('live');
              var live = document.getElementById('live');
              if (next && live) { live.replaceWith(next); }
            } catch (e) { /* the next tick tries again */ }
          }
          setInterval(refresh, seconds * 1000);
        })();
        """;
}

"""The browser workbench (`simcs app`, the `app` extra): a Streamlit app over the same engine.

- `launch`: the command line that starts Streamlit, bound to loopback by default;
- `main`: the app's entry script (page navigation);
- `state`: what one browser session holds (the scenario being edited, its reference);
- `workspace`: the app's own results folder, uploads checked before anything runs;
- `levers`: the form fields a strategy team edits, built from the scenario schema;
- `jobs`: runs, comparisons and sizings as `simcs` commands in their own process, so a long
  run never freezes the page and fails with the command line's own message;
- `playground`: the Learn page's support desk against Erlang C;
- `views`: one module per page (Scenario, Run, Compare, Plan, Learn); not named `pages`,
  which Streamlit would serve file by file beside the navigation.

Nothing outside this package imports it; the pages import Streamlit, the other modules do not.
"""

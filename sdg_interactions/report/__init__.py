"""Per-kommun reports: the papermill template, its sections (sentences from numbers), HTML/PDF, batches.

* :mod:`~sdg_interactions.report.parameters`: checking a report's parameters; file names; the template.
* :mod:`~sdg_interactions.report.sections`: one pure function per report section, sentences built
  from the numbers in Swedish or English.
* :mod:`~sdg_interactions.report.honesty`: what a report says about its basis: coverage and respondents
  counted from the data, whose assessment it is, the source line under every chart; nothing scored refused.
* :mod:`~sdg_interactions.report.page`: a section as HTML inside the notebook; the notebook as one
  self-contained HTML page; the PDF.
* :mod:`~sdg_interactions.report.kernels`: warm, reused kernels for fast batches.
* :mod:`~sdg_interactions.report.batch`: one report or a batch (``sdg-interactions report``).
* ``template.ipynb``: the papermill template (it runs as it is in JupyterLab too).

The submodules are imported on demand: papermill, nbconvert and the chart libraries stay out of
``import sdg_interactions``.
"""

__all__: list[str] = []

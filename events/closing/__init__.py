"""After an event: its closing report, the participants' anonymous feedback, and the network's impact figures.

A closing report is written by the event's lab and, once published, travels in the event's signed
document (``federation.codecs.events``). Feedback answers never travel and name nobody: the report
publishes only their counts per face and the quotes staff chose.
"""

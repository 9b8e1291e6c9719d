"""Readings of the paper's words about curve shapes, shared by the findings that use them (§4.1, §4.2).

Each number is a reading of a sentence, stated once here so that every finding judges the same words the same way.
"""

#: "grow CoT length until they hit the context window" (§4.1): the smoothed mean length reaches 80% of the generation
#: limit (Figure 2(d)'s curves end close to the 14,336-token limit; the exceed threshold itself is at limit - 16).
LIMIT_FRACTION = 0.8

#: "the accuracy dropped to near zero" (§4.1): a fall of at least half of the running peak, a lenient reading of
#: "near zero"; §4.2's "stabilizing the training accuracy" is the absence of such a fall.
COLLAPSE = 0.5

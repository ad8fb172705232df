"""The decision wing: from posterior draws to a recommendation.

Payoffs and the coupled adversary/alliance game, the decision and its ties,
the value of information (EVPI, EVSI) and the preposterior analysis behind it.
"""

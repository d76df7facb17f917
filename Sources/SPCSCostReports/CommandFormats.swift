import Foundation

/// The `--format` values of `reconcile` and `whatif`, which still render with their own writers
/// (``ReconcileReport``, ``WhatIfReport``); `estimate`, `report` and `nightly` take the names of
/// ``DocumentWriters`` instead.
public enum EstimateFormat: String, CaseIterable, Sendable {
    case table, json, csv, markdown
}

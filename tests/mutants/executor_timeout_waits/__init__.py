"""executor whose timeout still waits for the stuck task."""

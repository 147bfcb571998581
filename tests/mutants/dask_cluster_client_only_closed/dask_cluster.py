"""Known wrong: close_cluster closes the client and leaves the cluster's workers running."""
from solutions.dask_cluster import (as_they_finish, block_results, connect,  # noqa: F401
                                    map_on_cluster, start_cluster)


def close_cluster(client):
    client.close()

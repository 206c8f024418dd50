from service import delivery


def submit_result(ctx, user, body):
    return delivery.submit(ctx, user, body)


def get_result(user, result_id):
    return delivery.get(user, result_id)


def list_results(user, page, size, status=None, quiz_id=None):
    return delivery.results_page(user, page, size, status, quiz_id)


def retry_result(user, result_id):
    return delivery.retry(user, result_id), 202

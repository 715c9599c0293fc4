from invoicetron.demo.load import generate
from invoicetron.reports.amounts import Base, DateRange
from invoicetron.reports.sales import sales_by_period, sum_rows, tax_summary
import pytest


@pytest.mark.parametrize("c,i,seed", [(6, 150, 7), (50, 1000, 1)])
def test_x(owner, c, i, seed):
    generate(c, i, seed=seed, report=lambda m: None)
    b = Base("EUR", 2)
    s = sum_rows(sales_by_period(b, DateRange(), "month"))
    t = sum(r.tax for r in tax_summary(b, DateRange()))
    print("DIFF", c, i, seed, s.tax, t, s.tax - t)

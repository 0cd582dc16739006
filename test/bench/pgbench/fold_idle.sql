SELECT groupreceipt.fold(1);

def test_household_list_renders_for_staff(client_for, staff_user, household_a):
    response = client_for(staff_user).get("/households/")
    assert response.status_code == 200
    assert household_a.number in response.content.decode()
